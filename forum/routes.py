"""The one list of routes. Every route is named."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from forum import convertors
from forum.api import accounts as api_accounts
from forum.api import content as api_content
from forum.api import member as api_member
from forum.api import moderation as api_mod
from forum.api import safety as api_safety
from forum.api import search as api_search
from forum.api.openapi import openapi_document
from forum.guards import RequireRole
from forum.models.accounts import Role
from forum.pagecache import shared_page
from forum.paths import STATIC_DIR
from forum.views import (
    accounts,
    admin_resources,
    care,
    community,
    crisis,
    feeds,
    guests,
    home,
    mod,
    mod_people,
    reports,
    search,
    stories,
    your_data,
)

convertors.register()

html_routes: list[BaseRoute] = [
    Route("/", shared_page(home.home), name="home"),
    Route("/c/{slug:str}", shared_page(home.category), name="category"),
    Route("/needs-reply", shared_page(home.needs_reply), name="needs_reply"),
    Route("/search", search.search, methods=["GET"], name="search"),
    Route("/help", crisis.help_now, name="help"),
    Route("/help/region", crisis.choose_region, methods=["POST"], name="help_region"),
    Route("/care/{post_id:int}", care.care_page, methods=["GET"], name="care"),
    Route("/stories/new", stories.new_story_form, methods=["GET"], name="story_new_form"),
    Route("/stories/new", stories.new_story, methods=["POST"], name="story_new"),
    Route("/stories/{thread_id:int}", shared_page(stories.story_detail), name="story"),
    Route("/stories/{thread_id:int}/replies", stories.new_reply, methods=["POST"],
          name="reply_new"),
    Route("/stories/{thread_id:int}/reply", stories.reply_form, methods=["GET"],
          name="reply_form"),
    Route("/posts/{post_id:int}", stories.permalink, name="post"),
    Route("/posts/{post_id:int}/edit", stories.edit_form, methods=["GET"], name="post_edit_form"),
    Route("/posts/{post_id:int}/edit", stories.edit, methods=["POST"], name="post_edit"),
    Route("/posts/{post_id:int}/delete", stories.delete_form, methods=["GET"],
          name="post_delete_form"),
    Route("/posts/{post_id:int}/delete", stories.delete, methods=["POST"], name="post_delete"),
    Route("/posts/{post_id:int}/report", reports.report_form, methods=["GET"],
          name="post_report_form"),
    Route("/posts/{post_id:int}/report", reports.report, methods=["POST"], name="post_report"),
    Route("/guest/new", guests.story_form, methods=["GET"], name="guest_story_form"),
    Route("/guest/new", guests.story, methods=["POST"], name="guest_story"),
    Route("/stories/{thread_id:int}/guest-reply", guests.reply_form, methods=["GET"],
          name="guest_reply_form"),
    Route("/stories/{thread_id:int}/guest-reply", guests.reply, methods=["POST"],
          name="guest_reply"),
    Route("/manage/{token:str}", guests.manage, methods=["GET"], name="guest_manage"),
    Route("/manage/{token:str}/edit", guests.manage_edit, methods=["POST"],
          name="guest_manage_edit"),
    Route("/manage/{token:str}/delete", guests.manage_delete, methods=["POST"],
          name="guest_manage_delete"),
    Route("/signup", accounts.signup_form, methods=["GET"], name="signup_form"),
    Route("/signup", accounts.signup, methods=["POST"], name="signup"),
    Route("/signin", accounts.signin_form, methods=["GET"], name="signin_form"),
    Route("/signin", accounts.signin, methods=["POST"], name="signin"),
    Route("/signout", accounts.signout, methods=["POST"], name="signout"),
    Route("/account", accounts.account_page, methods=["GET"], name="account"),
    Route("/account", accounts.save_settings, methods=["POST"], name="account_save"),
    Route("/account/posts", accounts.my_posts_page, methods=["GET"], name="account_posts"),
    Route("/account/preferences", community.preferences, methods=["GET"],
          name="account_preferences"),
    Route("/account/preferences", community.save, methods=["POST"],
          name="account_preferences_save"),
    Route("/account/data", your_data.data_page, methods=["GET"], name="account_data"),
    Route("/account/export", your_data.export_download, methods=["POST"],
          name="account_export"),
    Route("/account/delete", your_data.delete, methods=["POST"], name="account_delete"),
    Route("/notifications", community.notifications, methods=["GET"], name="notifications"),
    Route("/notifications/read", community.mark_read, methods=["POST"],
          name="notifications_read"),
    Route("/u/{username:str}", community.profile_page, methods=["GET"], name="profile"),
    Route("/posts/{post_id:int}/reactions/{kind:str}", community.react, methods=["POST"],
          name="post_reaction"),
    Route("/stories/{thread_id:int}/follow", community.follow_thread, methods=["POST"],
          name="story_follow"),
    Route("/feeds/latest.atom", shared_page(feeds.latest), methods=["GET"], name="feed_latest"),
    Route("/c/{slug:str}/feed.atom", shared_page(feeds.category), methods=["GET"],
          name="feed_category"),
    Route("/account/password", accounts.password, methods=["POST"], name="account_password"),
    Route("/account/sessions/end", accounts.signout_everywhere, methods=["POST"],
          name="signout_everywhere"),
]

# Everything under /mod needs a moderator, everything under /admin an admin: the mounts'
# guards decide, whatever a handler does.
mod_routes: list[BaseRoute] = [
    Route("/", mod.queue, methods=["GET"], name="mod_queue"),
    Route("/posts/{post_id:int}", mod.post_page, methods=["GET"], name="mod_post"),
    Route("/posts/{post_id:int}/{action:str}", mod.post_action, methods=["POST"],
          name="mod_post_action"),
    Route("/posts/{post_id:int}/author/{action:str}", mod.author_action, methods=["POST"],
          name="mod_post_author_action"),
    Route("/users/{username:str}", mod_people.member_page, methods=["GET"], name="mod_user"),
    Route("/users/{username:str}/{action:str}", mod_people.member_action, methods=["POST"],
          name="mod_user_action"),
    Route("/log", mod_people.audit_log, methods=["GET"], name="mod_log"),
    Route("/words", mod_people.words_page, methods=["GET"], name="mod_words"),
    Route("/words", mod_people.add_word, methods=["POST"], name="mod_words_add"),
    Route("/words/test", mod_people.test_words, methods=["POST"], name="mod_words_test"),
    Route("/words/{word_id:int}/delete", mod_people.remove_word, methods=["POST"],
          name="mod_words_remove"),
]

admin_routes: list[BaseRoute] = [
    Route("/resources", admin_resources.resource_list, methods=["GET"],
          name="admin_resources"),
    Route("/resources/new", admin_resources.resource_form, methods=["GET"],
          name="admin_resource_new_form"),
    Route("/resources/new", admin_resources.save, methods=["POST"], name="admin_resource_new"),
    Route("/resources/{resource_id:int}", admin_resources.resource_form, methods=["GET"],
          name="admin_resource"),
    Route("/resources/{resource_id:int}", admin_resources.save, methods=["POST"],
          name="admin_resource_save"),
    Route("/resources/{resource_id:int}/verify", admin_resources.verify, methods=["POST"],
          name="admin_resource_verify"),
    Route("/resources/{resource_id:int}/enable", admin_resources.enable, methods=["POST"],
          name="admin_resource_enable"),
    Route("/posts/{post_id:int}/reveal", mod_people.reveal, methods=["POST"],
          name="admin_post_reveal"),
    Route("/users/{username:str}/role", mod_people.role_action, methods=["POST"],
          name="admin_user_role"),
]

api_routes: list[BaseRoute] = [
    Route("/accounts", api_accounts.create_account, methods=["POST"], name="api_accounts"),
    Route("/tokens", api_accounts.create_token, methods=["POST"], name="api_tokens"),
    Route("/tokens/current", api_accounts.delete_current_token, methods=["DELETE"],
          name="api_token_current"),
    Route("/me", api_accounts.me, methods=["GET"], name="api_me"),
    Route("/me", api_accounts.update_me, methods=["PATCH"], name="api_me_update"),
    Route("/me/password", api_accounts.change_my_password, methods=["POST"],
          name="api_me_password"),
    Route("/me/sessions/end", api_accounts.end_my_sessions, methods=["POST"],
          name="api_me_sessions_end"),
    Route("/me", api_member.delete_me, methods=["DELETE"], name="api_me_delete"),
    Route("/me/export", api_member.export_me, methods=["GET"], name="api_me_export"),
    Route("/me/notifications", api_member.notifications, methods=["GET"],
          name="api_me_notifications"),
    Route("/me/notifications/read", api_member.read_notifications, methods=["POST"],
          name="api_me_notifications_read"),
    Route("/users/{username:str}", api_member.user_profile, methods=["GET"], name="api_user"),
    Route("/posts/{post_id:int}/reactions/{kind:str}", api_member.reaction,
          methods=["PUT", "DELETE"], name="api_post_reaction"),
    Route("/stories/{thread_id:int}/follow", api_member.follow_story, methods=["PUT", "DELETE"],
          name="api_story_follow"),
    Route("/categories", api_content.categories, methods=["GET"], name="api_categories"),
    Route("/categories/{slug:str}/stories", api_content.category_story_list, methods=["GET"],
          name="api_category_stories"),
    Route("/stories", api_content.new_story, methods=["POST"], name="api_stories"),
    Route("/stories/{thread_id:int}", api_content.story, methods=["GET"], name="api_story"),
    Route("/stories/{thread_id:int}/replies", api_content.new_reply, methods=["POST"],
          name="api_replies"),
    Route("/posts/{post_id:int}", api_content.update_post, methods=["PATCH"],
          name="api_post_update"),
    Route("/posts/{post_id:int}", api_content.remove_post, methods=["DELETE"],
          name="api_post_delete"),
    Route("/resources", api_safety.resources, methods=["GET"], name="api_resources"),
    Route("/needs-reply", api_safety.needs_reply, methods=["GET"], name="api_needs_reply"),
    Route("/search", api_search.search, methods=["GET"], name="api_search"),
    Route("/safety/check", api_safety.check, methods=["POST"], name="api_safety_check"),
    Route("/posts/{post_id:int}/reports", api_mod.new_report, methods=["POST"],
          name="api_post_reports"),
    Route("/openapi.json", openapi_document, methods=["GET"], name="api_openapi"),
    Mount("/mod", name="api_mod", middleware=[Middleware(RequireRole, role=Role.MODERATOR)],
          routes=[
              Route("/queue", api_mod.queue, methods=["GET"], name="api_mod_queue"),
              Route("/posts/{post_id:int}/{action:str}", api_mod.post_action,
                    methods=["POST"], name="api_mod_post_action"),
              Route("/posts/{post_id:int}/author/{action:str}", api_mod.author_action,
                    methods=["POST"], name="api_mod_post_author_action"),
              Route("/users/{username:str}/{action:str}", api_mod.member_action,
                    methods=["POST"], name="api_mod_user_action"),
              Route("/audit", api_mod.audit, methods=["GET"], name="api_mod_audit"),
              Route("/words", api_mod.words, methods=["GET"], name="api_mod_words"),
              Route("/words", api_mod.new_word, methods=["POST"], name="api_mod_words_add"),
              Route("/words/{word_id:int}", api_mod.delete_word, methods=["DELETE"],
                    name="api_mod_words_remove"),
          ]),
    Mount("/admin", name="api_admin", middleware=[Middleware(RequireRole, role=Role.ADMIN)],
          routes=[
              Route("/users/{username:str}/role", api_mod.role, methods=["POST"],
                    name="api_admin_user_role"),
              Route("/posts/{post_id:int}/reveal", api_mod.reveal, methods=["POST"],
                    name="api_admin_post_reveal"),
          ]),
]

routes: list[BaseRoute] = [
    *html_routes,
    Mount("/mod", routes=mod_routes, name="mod",
          middleware=[Middleware(RequireRole, role=Role.MODERATOR)]),
    Mount("/admin", routes=admin_routes, name="admin",
          middleware=[Middleware(RequireRole, role=Role.ADMIN)]),
    Mount("/api/v1", routes=api_routes, name="api"),
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]
